"""Streaming chat completion (server-sent events), printed as it arrives."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)

stream = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "Count to three."}],
    stream=True,
)
parts = []
for chunk in stream:
    if chunk.choices and chunk.choices[0].delta.content:
        parts.append(chunk.choices[0].delta.content)
print("".join(parts))
