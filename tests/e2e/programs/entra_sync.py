"""Entra ID auth on a sync client; a plain function stands in for azure.identity's token provider."""

import os

from openai import AzureOpenAI


def fetch_entra_token() -> str:
    # Stand-in for get_bearer_token_provider(DefaultAzureCredential(), ".../.default").
    return os.environ["E2E_ENTRA_TOKEN"]


client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    azure_ad_token_provider=fetch_entra_token,
    api_version="2024-10-21",
)

reply = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "Summarise Entra ID in five words."}],
)
vectors = client.embeddings.create(model="text-embedding-3-small", input=[reply.choices[0].message.content])
print(reply.choices[0].message.content)
print("vector length:", len(vectors.data[0].embedding))
