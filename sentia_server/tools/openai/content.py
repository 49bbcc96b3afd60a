"""openai-content-generation: marketing, product and training content written by the model from the facts the
caller passes; the server measures the result (words, headings, keywords, reading time) against what was asked."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sentia_server.ai.figures.content import ContentFigures, content_figures, word_range
from sentia_server.ai.narrative import ContentDraft, Line
from sentia_server.ai.tooling import AiResult, AiTool
from sentia_server.tools.context import ToolContext
from sentia_server.tools.openai.common import VENDOR, openai_tool
from sentia_server.tools.registry import ToolInput

NAME = "openai-content-generation"
ContentType = Literal[
    "product_description",
    "marketing_content",
    "email_template",
    "social_media_post",
    "technical_documentation",
    "press_release",
    "blog_post",
    "case_study",
    "proposal",
    "training_material",
    "user_manual",
    "safety_documentation",
]
Purpose = Literal[
    "lead_generation",
    "customer_education",
    "product_launch",
    "brand_awareness",
    "employee_training",
    "compliance",
    "sales_support",
    "customer_support",
    "thought_leadership",
]
Audience = Literal[
    "customers",
    "trade_buyers",
    "distributors",
    "bartenders_and_hospitality",
    "procurement_managers",
    "manufacturing_professionals",
    "engineers",
    "operations_managers",
    "quality_assurance",
    "c_level_executives",
    "investors",
    "employees",
    "general_public",
]


class BrandGuidelines(BaseModel):
    model_config = ConfigDict(extra="forbid")

    tone: Literal["professional", "conversational", "technical", "authoritative", "friendly", "formal"] = Field(
        default="professional", description="The voice of the text."
    )
    style: Literal["concise", "detailed", "storytelling", "data-driven", "educational"] = Field(
        default="concise", description="How the text is built."
    )
    key_messages: list[Line] = Field(description="Messages the text must carry.", default_factory=list, max_length=10)
    terminology: dict[str, str] = Field(
        default_factory=dict, max_length=50, description="Preferred term -> what it replaces or means."
    )
    compliance_requirements: list[Line] = Field(
        default_factory=list, max_length=10, description="e.g. 'Drinkaware footer', 'no health claims'."
    )


class ContentDetails(BaseModel):
    model_config = ConfigDict(extra="forbid")

    subject: str = Field(min_length=1, max_length=300, description="What the content is about.")
    key_features: list[Line] = Field(
        description="Features to mention, one a line.", default_factory=list, max_length=20
    )
    specifications: dict[str, str] = Field(
        default_factory=dict, max_length=40, description="e.g. {'ABV': '41.5%', 'Size': '70cl'}."
    )
    use_cases: list[Line] = Field(
        description="Occasions or uses, e.g. 'G&T with pink grapefruit'.", default_factory=list, max_length=10
    )
    competitive_advantages: list[Line] = Field(
        description="What sets the product apart, as facts.", default_factory=list, max_length=10
    )
    call_to_action: str | None = Field(description="What the reader should do next.", default=None, max_length=300)


class FormatRequirements(BaseModel):
    model_config = ConfigDict(extra="forbid")

    length: Literal["short", "medium", "long"] = Field(
        default="medium",
        description="short (50-250 words), medium (250-800) or long (800-2000), unless word_count is set.",
    )
    word_count: int | None = Field(default=None, ge=50, le=5000, description="Target words (±10%); beats length.")
    format: Literal["paragraph", "bullet_points", "numbered_list", "mixed", "structured"] = Field(
        default="mixed", description="Layout of the body."
    )
    include_headlines: bool = Field(default=True, description="Offer a title and alternative headlines.")
    seo_keywords: list[str] = Field(
        description="Phrases the body should contain; the result counts them.", default_factory=list, max_length=20
    )


class ContentGenerationInput(ToolInput):
    content_type: ContentType = Field(description="The kind of content to write.")
    content_purpose: Purpose | None = Field(default=None, description="What the content should achieve.")
    target_audience: Audience = Field(description="Who will read it.")
    content_details: ContentDetails = Field(description="The facts to write from; nothing else is claimed.")
    brand_guidelines: BrandGuidelines = Field(
        description="Tone, style, messages, terms and compliance rules.", default_factory=BrandGuidelines
    )
    format_requirements: FormatRequirements = Field(
        description="Length, layout, headlines and SEO keywords.", default_factory=FormatRequirements
    )
    company_name: str | None = Field(
        description="The company to write for, e.g. Sentia Spirits.", default=None, max_length=100
    )
    region: Literal["uk", "eu", "us", "global"] = Field(
        default="uk", description="Market the content is for (spelling, units, alcohol marketing rules)."
    )
    language: str = Field(description="The language to write in.", default="English", min_length=2, max_length=40)
    review_level: Literal["draft", "review_ready", "publication_ready"] = Field(
        default="review_ready", description="How finished the draft should be."
    )


class ContentGenerationResult(AiResult):
    content: ContentDraft
    figures: ContentFigures


@openai_tool(NAME, "OpenAI: content generation")
async def generate_content(params: ContentGenerationInput, ctx: ToolContext) -> ContentGenerationResult:
    """Write content (product descriptions, marketing copy, e-mails, posts, press releases, documentation,
    training and safety material) from the facts you pass, in your brand's tone and for your market; the server
    then counts its words, headings and paragraphs, checks the target length and SEO keywords, and estimates the
    reading time. Claims come only from the facts given."""
    ai = AiTool.start(ctx, NAME, VENDOR)
    formats = params.format_requirements
    target = word_range(formats.length, formats.word_count)
    answer = await ai.write(
        ContentDraft,
        task=f"Write a {params.content_type.replace('_', ' ')} of {target[0]} to {target[1]} words in the body, "
        "using only the facts given; do not invent figures, awards or claims.",
        options={
            "purpose": params.content_purpose,
            "audience": params.target_audience,
            "region": params.region,
            "language": params.language,
            "review_level": params.review_level,
            "company": params.company_name,
            "format": formats.model_dump(mode="json"),
            "brand": params.brand_guidelines.model_dump(mode="json"),
        },
        data=params.content_details,
    )
    draft = answer.value
    figures = content_figures(draft.body, target, formats.seo_keywords)
    notes = []
    if not figures.within_target:
        notes.append(f"the body has {figures.word_count} words, outside the {target[0]}-{target[1]} asked for")
    if figures.missing_keywords:
        notes.append(f"SEO keywords missing from the body: {', '.join(figures.missing_keywords)}")
    return ContentGenerationResult(
        content=draft,
        figures=figures,
        usage=answer.usage,
        sources=["content details and brand guidelines passed by the caller"],
        notes=notes,
    )
