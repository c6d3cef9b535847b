"""A 2025-style client: AzureOpenAI on the v1 URL from a variable, with api_version "preview" (read directly and
through a module-level constant), calling the Responses API; the migration keeps the variable, and the preview
api-version as default_query (it turns on the v1 API's preview features)."""

import os

from openai import AzureOpenAI

V1_URL = os.environ["AZURE_OPENAI_V1_BASE_URL"]

client = AzureOpenAI(
    base_url=os.environ["AZURE_OPENAI_V1_BASE_URL"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="preview",
)
first = client.responses.create(model="gpt-4o-prod-01", input="Hi")
again = AzureOpenAI(base_url=V1_URL, api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="preview")
second = again.responses.create(model="gpt-4o-mini-eu", input="Hello")
print(first.output_text, second.output_text)
