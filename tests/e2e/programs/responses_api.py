"""The Responses API on an Azure client (dated route /openai/responses, preview api-version)."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2025-03-01-preview",
)

response = client.responses.create(
    model="gpt-4o-prod-01",
    instructions="Answer with a haiku.",
    input="Describe the sea.",
    max_output_tokens=60,
)
print(response.output_text)
