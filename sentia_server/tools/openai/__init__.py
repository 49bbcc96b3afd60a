"""OpenAI tools: data analysis, content generation, customer insights, operational optimisation, forecasting and
automated reporting. The server computes every figure (from the caller's data, Shopify or Xero); the model writes
the words as a structured answer. `group` holds them all."""

from sentia_server.tools.openai import content, customer_insights, data_analysis, forecasting, operations, reporting
from sentia_server.tools.openai.common import group

__all__ = ["content", "customer_insights", "data_analysis", "forecasting", "group", "operations", "reporting"]
