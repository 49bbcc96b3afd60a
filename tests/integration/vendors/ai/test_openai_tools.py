"""The six OpenAI tools end to end through the MCP client: the caller's data (or Shopify and Xero), figures
computed by the server, words from the simulated model."""

from __future__ import annotations

import json
from datetime import date

import pytest
from integration.vendors.ai.conftest import structured, text

pytestmark = pytest.mark.anyio

ROWS = [
    {
        "day": f"2026-0{1 + i // 10}-{1 + i % 10:02d}",
        "site": "London" if i % 2 else "Rotterdam",
        "bottles": 100 + 10 * i,
        "labels": 200 + 20 * i,
        "defects": 3 if i != 7 else 60,
    }
    for i in range(20)
]


def sent_prompt(openai_sim) -> str:
    body = json.loads(list(openai_sim.requests_to("chat.completions"))[-1].content)
    return body["messages"][1]["content"]


# openai-data-analysis


async def test_summary_statistics_of_records(call, openai_sim):
    arguments = {"analysis_type": "statistical_summary", "records": ROWS, "variables": ["bottles"]}
    result = structured(await call("openai-data-analysis", arguments))
    [bottles] = result["figures"]["summaries"]
    assert (bottles["count"], bottles["mean"], bottles["median"], bottles["minimum"], bottles["maximum"]) == (
        20,
        195.0,
        195.0,
        100.0,
        290.0,
    )
    sites = next(f for f in result["figures"]["frequencies"] if f["variable"] == "site")
    assert sites["top_values"] == {"Rotterdam": 10, "London": 10}
    assert '"mean": 195.0' in sent_prompt(openai_sim)


@pytest.mark.parametrize(
    ("arguments", "check"),
    [
        (
            {"analysis_type": "correlation_analysis", "variables": ["bottles", "labels"]},
            lambda f: f["correlations"][0]["pearson_r"] == 1.0 and f["correlations"][0]["pairs"] == 20,
        ),
        (
            {"analysis_type": "trend_analysis", "variables": ["bottles"], "time_column": "day"},
            lambda f: f["trends"][0]["per"] == "day" and f["trends"][0]["slope"] > 0,
        ),
        (
            {"analysis_type": "anomaly_detection", "variables": ["defects"]},
            lambda f: [(a["row"], a["value"]) for a in f["anomalies"]] == [(8, 60.0)],
        ),
        (
            {"analysis_type": "comparative_analysis", "variables": ["bottles"], "group_by": "site"},
            lambda f: (
                [(g["group"], g["rows"], g["totals"]["bottles"]) for g in f["groups"]]
                == [("London", 10, 2000.0), ("Rotterdam", 10, 1900.0)]
            ),
        ),
        (
            {"analysis_type": "predictive_modeling", "variables": ["bottles"], "target_variable": "labels"},
            lambda f: f["regression"]["coefficients"] == {"bottles": 2.0} and f["regression"]["r_squared"] == 1.0,
        ),
        (
            {"analysis_type": "pattern_recognition", "variables": ["bottles"], "time_column": "day"},
            lambda f: set(f["patterns"][0]["mean_by_month"]) == {"Jan", "Feb"},
        ),
    ],
)
async def test_each_analysis_computes_its_figures(call, arguments, check):
    result = structured(await call("openai-data-analysis", {**arguments, "records": ROWS}))
    assert check(result["figures"])


async def test_a_csv_table_and_a_monthly_forecast(call):
    lines = ["month,cases"] + [
        f"{2024 + m // 12}-{m % 12 + 1:02d}-15,{500 + 20 * m + (m * 37) % 23}" for m in range(24)
    ]
    arguments = {
        "analysis_type": "time_series_analysis",
        "csv": "\n".join(lines),
        "time_column": "month",
        "forecast_months": 3,
    }
    result = structured(await call("openai-data-analysis", arguments))
    series = result["figures"]["time_series"]
    assert series["history_points"] == 24 and len(series["forecast"]) == 3
    assert series["forecast"][0]["lower"] < series["forecast"][0]["value"] < series["forecast"][0]["upper"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (
            {"analysis_type": "statistical_summary", "records": ROWS, "variables": ["site"]},
            "column 'site' is not numeric",
        ),
        (
            {
                "analysis_type": "predictive_modeling",
                "records": ROWS,
                "variables": ["bottles"],
                "target_variable": "bottles",
            },
            "predictive_modeling needs at least one numeric predictor",
        ),
        ({"analysis_type": "statistical_summary", "csv": "a,b\nx,y"}, "the table has no numeric column"),
        (
            {"analysis_type": "trend_analysis", "records": ROWS, "time_column": "site"},
            "column 'site' row 1 is not an ISO date",
        ),
        ({"analysis_type": "comparative_analysis", "records": ROWS}, "comparative_analysis needs group_by"),
        ({"analysis_type": "statistical_summary"}, "pass the table as records or as csv"),
    ],
)
async def test_tables_that_do_not_allow_the_analysis_are_refused(call, arguments, message):
    result = await call("openai-data-analysis", arguments)
    assert result.is_error
    assert message in text(result)


# openai-content-generation


async def test_content_is_measured_against_what_was_asked(call, openai_sim):
    body = "# Sentia Gold\n\nA warming botanical gin with orange peel.\n\nServe over ice with Sentia Tonic."
    openai_sim.queue_completion(
        json_body={
            "title": "Sentia Gold",
            "headline_options": ["Golden hour, bottled"],
            "body": body,
            "call_to_action": "Order at sentiaspirits.co.uk",
            "meta_description": None,
            "compliance_notes": ["Add the Drinkaware footer"],
        }
    )
    arguments = {
        "content_type": "product_description",
        "target_audience": "customers",
        "content_details": {"subject": "Sentia Gold 70cl", "specifications": {"ABV": "41.5%"}},
        "format_requirements": {"word_count": 60, "seo_keywords": ["botanical gin", "tonic", "London dry"]},
        "region": "uk",
    }
    result = structured(await call("openai-content-generation", arguments))
    figures = result["figures"]
    assert (figures["word_count"], figures["target_min_words"], figures["target_max_words"]) == (15, 54, 66)
    assert (figures["within_target"], figures["headings"], figures["paragraphs"], figures["reading_minutes"]) == (
        False,
        1,
        3,
        1,
    )
    assert [(k["keyword"], k["occurrences"]) for k in figures["keywords"]] == [
        ("botanical gin", 1),
        ("tonic", 1),
        ("London dry", 0),
    ]
    assert result["notes"] == [
        "the body has 15 words, outside the 54-66 asked for",
        "SEO keywords missing from the body: London dry",
    ]
    assert result["content"]["compliance_notes"] == ["Add the Drinkaware footer"]
    assert "41.5%" in sent_prompt(openai_sim)


async def test_content_of_the_asked_length_has_no_notes(call, openai_sim):
    body = "Sentia Tonic is a botanical tonic. " * 10
    draft = {
        "title": None,
        "headline_options": [],
        "body": body,
        "call_to_action": None,
        "meta_description": None,
        "compliance_notes": [],
    }
    openai_sim.queue_completion(json_body=draft)
    arguments = {
        "content_type": "social_media_post",
        "target_audience": "bartenders_and_hospitality",
        "content_details": {"subject": "Sentia Tonic"},
        "format_requirements": {"word_count": 60, "seo_keywords": ["botanical tonic"]},
    }
    result = structured(await call("openai-content-generation", arguments))
    assert (result["figures"]["word_count"], result["figures"]["within_target"], result["notes"]) == (60, True, [])
    assert result["figures"]["keywords"] == [{"keyword": "botanical tonic", "occurrences": 10}]


# openai-customer-insights

FEEDBACK = [
    {
        "id": "r1",
        "text": "Lovely gin, fast delivery",
        "source": "reviews",
        "rating": 5,
        "nps": 10,
        "received_on": "2026-03-02",
        "segment": "retail",
    },
    {
        "id": "r2",
        "text": "Bottle arrived broken",
        "source": "support_tickets",
        "rating": 1,
        "nps": 3,
        "received_on": "2026-03-05",
        "segment": "retail",
    },
    {"id": "r3", "text": "Great for our bar menu", "source": "sales_calls", "nps": 8, "segment": "trade"},
]


def labels(*rows: tuple[str, str, list[str], str]) -> list[dict]:
    return [{"id": i, "sentiment": s, "themes": t, "churn_risk": c} for i, s, t, c in rows]


def insights(label_rows: list[dict]) -> dict:
    return {
        "labels": label_rows,
        "narrative": {
            "summary": "Delivery breakage is the main complaint.",
            "findings": [{"title": "Breakage", "detail": "One ticket reports a broken bottle."}],
            "recommendations": [
                {
                    "action": "Review packaging",
                    "rationale": "Breakage",
                    "priority": "high",
                    "timeframe": "within_30_days",
                }
            ],
            "risks": [],
            "data_gaps": [],
        },
    }


async def test_the_models_labels_are_counted_by_the_server(call, openai_sim):
    openai_sim.queue_completion(
        json_body=insights(
            labels(
                ("r1", "positive", ["delivery", "taste"], "low"),
                ("r2", "negative", ["packaging", "delivery"], "high"),
                ("r3", "positive", ["taste"], "low"),
            )
        )
    )
    arguments = {
        "analysis_type": "voice_of_customer",
        "feedback": FEEDBACK,
        "benchmark_nps": 30,
        "benchmark_rating": 4.2,
    }
    result = structured(await call("openai-customer-insights", arguments))
    figures = result["figures"]
    assert figures["nps"] == {"responses": 3, "promoters": 1, "passives": 1, "detractors": 1, "score": 0.0}
    assert figures["ratings"]["average"] == 3.0 and figures["ratings"]["distribution"]["5"] == 1
    assert figures["sentiment"] == {"positive": 2, "negative": 1}
    assert [(t["theme"], t["items"], t["negative"]) for t in figures["themes"]] == [
        ("delivery", 2, 1),
        ("taste", 2, 0),
        ("packaging", 1, 1),
    ]
    assert figures["churn_risk"] == {"low": 2, "high": 1}
    assert figures["sentiment_by_segment"] == {"retail": {"positive": 1, "negative": 1}, "trade": {"positive": 1}}
    assert figures["by_month"] == {"2026-03": 2}
    assert result["benchmarks"] == {"nps_difference": -30.0, "rating_difference": -1.2}
    assert "[r2] Bottle arrived broken" in sent_prompt(openai_sim)


async def test_labels_that_miss_items_are_sent_back_then_refused(call, openai_sim):
    wrong = insights(labels(("r1", "positive", ["taste"], "low")))
    openai_sim.queue_completion(json_body=wrong)
    openai_sim.queue_completion(json_body=wrong)
    result = await call("openai-customer-insights", {"analysis_type": "sentiment_analysis", "feedback": FEEDBACK})
    assert result.is_error
    assert (
        "the model's answer did not match the expected structure twice: every item needs exactly one label: missing "
        "ids ['r2', 'r3'], unknown ids [], 0 duplicates"
    ) in text(result)


async def test_themes_outside_the_given_list_are_sent_back(call, openai_sim):
    openai_sim.queue_completion(
        json_body=insights(
            labels(
                ("r1", "positive", ["price"], "low"),
                ("r2", "negative", ["packaging"], "high"),
                ("r3", "positive", ["taste"], "low"),
            )
        )
    )
    openai_sim.queue_completion(
        json_body=insights(
            labels(
                ("r1", "positive", ["taste"], "low"),
                ("r2", "negative", ["packaging"], "high"),
                ("r3", "positive", ["taste"], "low"),
            )
        )
    )
    arguments = {"analysis_type": "feedback_categorization", "feedback": FEEDBACK, "themes": ["taste", "packaging"]}
    result = structured(await call("openai-customer-insights", arguments))
    assert result["usage"]["attempts"] == 2
    assert result["figures"]["themes"][0] == {
        "theme": "taste",
        "items": 2,
        "share": 0.6667,
        "negative": 0,
        "positive": 2,
    }
    body = json.loads(list(openai_sim.requests_to("chat.completions"))[1].content)
    assert "not allowed: ['price']" in body["messages"][-1]["content"]


# openai-operational-optimization


async def test_the_line_bottleneck_takt_and_what_ifs(call):
    arguments = {
        "optimization_type": "bottleneck_analysis",
        "processes": [
            {
                "name": "Distillation",
                "cycle_time_minutes": 4,
                "parallel_stations": 2,
                "availability": 0.9,
                "performance": 0.95,
                "quality_rate": 0.99,
                "cost_per_hour": "60",
            },
            {"name": "Bottling", "cycle_time_minutes": 0.5, "quality_rate": 0.98, "cost_per_hour": "40"},
            {"name": "Labelling", "cycle_time_minutes": 1, "cost_per_hour": "20"},
        ],
        "demand_per_day": 200,
        "available_minutes_per_day": 450,
        "what_ifs": [{"step": "Distillation", "capacity_increase_pct": 100}],
    }
    result = structured(await call("openai-operational-optimization", arguments))
    figures = result["figures"]
    assert (figures["bottleneck"], figures["throughput_per_hour"]) == ("Distillation", 25.65)
    assert figures["takt_time_minutes"] == 2.25
    assert figures["daily_capacity_units"] == 192.4 and figures["demand_coverage"] == 0.9619
    assert figures["cost_per_unit"] == 4.6784
    assert figures["without_bottleneck_per_hour"] == 60.0
    assert figures["what_ifs"] == [
        {
            "step": "Distillation",
            "capacity_increase_pct": 100.0,
            "throughput_per_hour": 51.3,
            "throughput_gain": 1.0,
            "bottleneck_after": "Distillation",
        }
    ]
    distillation = figures["steps"][0]
    assert (distillation["oee"], distillation["meets_takt"], distillation["utilisation"]) == (0.8464, False, 1.0)
    assert figures["good_output_per_hour"] == round(25.65 * 0.99 * 0.98, 3)


async def test_a_what_if_for_an_unknown_step_is_refused(call):
    arguments = {
        "optimization_type": "capacity_planning",
        "processes": [{"name": "Bottling", "cycle_time_minutes": 1}],
        "what_ifs": [{"step": "Canning", "capacity_increase_pct": 10}],
    }
    assert "what_ifs names step 'Canning', which is not in processes" in text(
        await call("openai-operational-optimization", arguments)
    )


# openai-forecasting


async def test_a_series_passed_in_is_forecast_by_month(call):
    series = [
        {"date": f"{2024 + m // 12}-{m % 12 + 1:02d}-{day:02d}", "value": str(100 + m * 5)}
        for m in range(12)
        for day in (1, 15)
    ]
    arguments = {
        "forecast_type": "demand_forecasting",
        "series": series,
        "horizon_months": 4,
        "external_factors": ["summer weather"],
    }
    result = structured(await call("openai-forecasting", arguments))
    figures = result["figures"]
    assert result["source"] == "provided"
    assert figures["history"][0] == {"month": "2024-01", "value": 200.0}  # two values of 100 summed
    assert figures["trend_per_month"] == 10.0
    assert [point["month"] for point in figures["forecast"]] == ["2025-01", "2025-02", "2025-03", "2025-04"]


async def test_xero_revenue_is_forecast(call, xero_sim, today):
    today(date(2026, 11, 27))
    arguments = {
        "forecast_type": "financial_forecasting",
        "xero_revenue": True,
        "tenant_id": xero_sim.tenant_named("Sentia Spirits Ltd").tenant_id,
        "history_months": 24,
    }
    result = structured(await call("openai-forecasting", arguments))
    assert (result["source"], result["measure"]) == ("xero", "revenue in GBP")
    assert result["figures"]["history"][-1]["month"] == "2026-10"
    assert result["figures"]["forecast"][0]["month"] == "2026-11"


async def test_three_months_of_shopify_orders_are_too_few_to_forecast(call, today, openai_sim):
    today(date(2026, 4, 2))
    arguments = {"forecast_type": "sales_prediction", "shop": "uk", "shopify_metric": "units", "history_months": 6}
    result = await call("openai-forecasting", arguments)
    assert result.is_error
    assert text(result).endswith(
        "openai-forecasting: cannot forecast: 3 months of history; at least 6 are needed to fit a trend"
    )
    assert list(openai_sim.requests_to("chat.completions")) == []


async def test_shopify_sales_in_several_currencies_need_one_chosen(call, today):
    today(date(2026, 4, 2))
    result = await call("openai-forecasting", {"forecast_type": "sales_prediction", "shop": "all", "history_months": 6})
    assert "the orders are in GBP, USD; pass currency" in text(result)


async def test_one_source_only(call):
    result = await call("openai-forecasting", {"forecast_type": "sales_prediction", "shop": "uk", "xero_revenue": True})
    assert "choose one source: series, shop or xero_revenue" in text(result)


# openai-automated-reporting


async def test_a_kpi_report_raises_alerts_and_adds_sales(call, openai_sim):
    arguments = {
        "report_type": "kpi_monitoring",
        "period_start": "2026-03-01",
        "period_end": "2026-03-26",
        "metrics": [
            {"name": "Line OEE", "value": "0.62", "target": "0.75", "alert_min": "0.65", "category": "efficiency"},
            {
                "name": "Scrap rate",
                "value": "0.018",
                "target": "0.02",
                "higher_is_better": False,
                "category": "quality",
            },
        ],
        "sales_shop": "usa",
        "include_recommendations": False,
    }
    result = structured(await call("openai-automated-reporting", arguments))
    kpis = result["figures"]["kpis"]
    assert (kpis["on_track"], kpis["off_track"]) == (1, 1)
    assert kpis["alerts"] == [{"name": "Line OEE", "value": 0.62, "threshold": 0.65, "breach": "below_minimum"}]
    assert result["figures"]["sales"]["currencies"][0]["currency"] == "USD"
    assert result["figures"]["financials"] is None
    assert result["report"]["action_items"] == []
    assert (
        "Leave action_items empty"
        in json.loads(next(openai_sim.requests_to("chat.completions")).content)["messages"][1]["content"]
    )


async def test_a_financial_report_reads_xero(call, xero_sim):
    arguments = {
        "report_type": "financial_report",
        "period_start": "2026-01-01",
        "period_end": "2026-03-31",
        "include_financials": True,
        "tenant_id": xero_sim.tenant_named("Sentia Spirits USA Inc.").tenant_id,
    }
    result = structured(await call("openai-automated-reporting", arguments))
    assert result["figures"]["organisation"] == "Sentia Spirits USA Inc."
    assert result["figures"]["financials"]["statements"]["currency"] == "USD"
    assert result["report"]["action_items"]
