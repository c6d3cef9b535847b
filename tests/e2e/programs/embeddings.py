"""Embeddings for a batch and for a single string; the deployment is a module-level constant."""

import os

from openai import AzureOpenAI

EMBEDDING_DEPLOYMENT = "text-embedding-3-small"

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-06-01",
)

documents = ["The quick brown fox.", "Jumps over the lazy dog."]
batch = client.embeddings.create(model=EMBEDDING_DEPLOYMENT, input=documents)
query = client.embeddings.create(model=EMBEDDING_DEPLOYMENT, input="lazy dog", dimensions=8)
print("documents:", len(batch.data), "dimensions:", len(batch.data[0].embedding))
print("query dimensions:", len(query.data[0].embedding))
