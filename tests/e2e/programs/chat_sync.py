"""Sync chat completion with key auth; endpoint and key come from the environment."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)

completion = client.chat.completions.create(
    model="gpt-4o-mini-eu",
    messages=[
        {"role": "system", "content": "You answer in one short sentence."},
        {"role": "user", "content": "What is the capital of France?"},
    ],
    temperature=0.2,
    max_tokens=50,
)
print(completion.choices[0].message.content)
print("tokens used:", completion.usage.total_tokens)
