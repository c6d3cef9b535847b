"""The base URL built once at module level from the endpoint, ending in /openai (a common hand-written form)."""

import os

from openai import AzureOpenAI

ENDPOINT = os.environ["AZURE_OPENAI_ENDPOINT"]
OPENAI_BASE = ENDPOINT.rstrip("/") + "/openai/"

client = AzureOpenAI(base_url=OPENAI_BASE, api_key=os.environ["AZURE_OPENAI_API_KEY"], api_version="2024-10-21")
reply = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
vectors = client.embeddings.create(model="text-embedding-3-small", input=["constant"])
print(reply.choices[0].message.content, len(vectors.data[0].embedding))
