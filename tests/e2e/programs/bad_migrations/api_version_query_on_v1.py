"""The v1 URL with api-version still sent in default_query: the v1 API rejects every request (400)."""

import os

from openai import OpenAI

endpoint = os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/")
client = OpenAI(
    base_url=f"{endpoint}/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    default_query={"api-version": "2024-10-21"},
)
vectors = client.embeddings.create(model="text-embedding-3-small", input=["one", "two"])
print(len(vectors.data), "vectors")
