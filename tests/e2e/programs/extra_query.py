"""api-version overridden per request through extra_query (once alone, once with another parameter)."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)

messages = [{"role": "user", "content": "Tell me a fact."}]
plain = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=messages,
    extra_query={"api-version": "2024-08-01-preview"},
)
traced = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=messages,
    extra_query={"api-version": "2024-08-01-preview", "trace": "on"},
)
print(plain.choices[0].message.content)
print(traced.choices[0].message.content)
