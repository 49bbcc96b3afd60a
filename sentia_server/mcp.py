"""The MCP server object: every tool module registered before the first request, bound to the tool executor."""

from __future__ import annotations

from typing import Any

from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.tools import Tool
from mcp.server.mcpserver.utilities.func_metadata import ArgModelBase, FuncMetadata
from mcp_types import CallToolResult, InputRequiredResult
from pydantic import AnyHttpUrl, BaseModel

from sentia_server import __version__
from sentia_server.auth.verifier import CredentialVerifier
from sentia_server.prompts import register_prompts
from sentia_server.resources import register_resources
from sentia_server.runtime import Runtime
from sentia_server.tools import amazon, database_query, manufacturing, openai, shopify, system, unleashed, xero
from sentia_server.tools import anthropic as claude
from sentia_server.tools.executor import PrincipalResolver, ToolExecutor
from sentia_server.tools.manufacturing import inventory_health, production
from sentia_server.tools.registry import ToolGroup, ToolRegistry, ToolSpec
from sentia_server.tools.results import SerializedResult
from sentia_server.tools.schema import model_schema
from sentia_server.tools.visibility import CallableToolsOnly

SERVER_NAME = "sentia-mcp-server"
INSTRUCTIONS = (
    "Sentia gives governed access to a manufacturer's business systems. Call list-tools to see what you may use, "
    "and system-status when something fails."
)
TOOL_GROUPS: tuple[ToolGroup, ...] = (
    system.group,
    database_query.group,
    xero.group,
    shopify.group,
    amazon.group,
    unleashed.group,
    production.group,
    inventory_health.group,
    manufacturing.group,
    openai.group,
    claude.group,
)


def default_registry() -> ToolRegistry:
    return ToolRegistry(list(TOOL_GROUPS))


class _ExecutorArguments(FuncMetadata):
    """Hands the raw arguments to the executor, which validates them itself so that refusals are audited."""

    def validate_arguments(self, arguments_to_validate: dict[str, Any]) -> dict[str, Any]:
        return {"arguments": self.pre_parse_json(arguments_to_validate)}

    def convert_result(self, result: Any) -> CallToolResult | InputRequiredResult:
        """The executor's results need no second validation: cached ones are sent as stored, and the handlers'
        own models are dumped once, the same way, so a hit and a miss answer alike. Anything else (a handler
        returning some other type) goes through the SDK's checks."""
        if isinstance(result, SerializedResult):
            return result.to_call_result()
        if self.output_model is not None and type(result) is self.output_model:
            return SerializedResult.of(result).to_call_result()
        return super().convert_result(result)


def _executor_arguments(spec: ToolSpec[Any, Any]) -> _ExecutorArguments:
    # The SDK reads field names (for its JSON-in-a-string repair) from an ArgModelBase subclass.
    arg_model = type(f"{spec.input_model.__name__}Arguments", (spec.input_model, ArgModelBase), {})
    return _ExecutorArguments(
        arg_model=arg_model, output_model=spec.output_model, output_schema=model_schema(spec.output_model)
    )


class ToolResultConversion:
    """A tool's result as the SDK converts it, for the direct `tools/call` endpoint: the same conversion as the SDK's
    path, so both answer alike whatever a handler returns."""

    def __init__(self) -> None:
        self._metadata: dict[str, _ExecutorArguments] = {}

    def __call__(self, spec: ToolSpec[Any, Any], result: Any) -> CallToolResult | InputRequiredResult:
        metadata = self._metadata.get(spec.name)
        if metadata is None:
            metadata = self._metadata[spec.name] = _executor_arguments(spec)
        return metadata.convert_result(result)


def _sdk_tool(spec: ToolSpec[Any, Any], executor: ToolExecutor) -> Tool:
    async def run(arguments: dict[str, Any], ctx: Context) -> BaseModel | SerializedResult:
        return await executor.call(spec, arguments, jsonrpc_id=ctx.request_id)

    return Tool(
        fn=run,
        name=spec.name,
        title=spec.title,
        description=spec.description,
        parameters=spec.input_schema,
        fn_metadata=_executor_arguments(spec),
        is_async=True,
        context_kwarg="ctx",
        annotations=spec.annotations,
    )


def build_mcp_server(
    runtime: Runtime,
    *,
    transport: str,
    resolve_principal: PrincipalResolver,
    registry: ToolRegistry | None = None,
    token_verifier: CredentialVerifier | None = None,
    executor: ToolExecutor | None = None,
) -> MCPServer:
    """An MCP server whose tools run through one `ToolExecutor` (`executor`, shared with the direct `tools/call`
    endpoint, or a new one). `token_verifier` turns on HTTP bearer auth."""
    registry = registry or default_registry()
    executor = executor or ToolExecutor(runtime, registry, resolve_principal, transport)
    auth = None
    if token_verifier is not None:
        # The verifier checks each token's audience itself, so the SDK's resource check stays off.
        auth = AuthSettings(
            issuer_url=AnyHttpUrl(runtime.settings.resolved_public_url),
            resource_server_url=None,
            validate_token_resource=False,
        )
    server: MCPServer = MCPServer(
        name=SERVER_NAME,
        title="Sentia Manufacturing MCP server",
        version=__version__,
        instructions=INSTRUCTIONS,
        tools=[_sdk_tool(spec, executor) for spec in registry],
        token_verifier=token_verifier,
        auth=auth,
        log_level=runtime.settings.log_level,
        middleware=[CallableToolsOnly(registry, resolve_principal)],
    )
    register_prompts(server)
    register_resources(server)
    return server
