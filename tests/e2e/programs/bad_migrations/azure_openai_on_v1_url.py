"""AzureOpenAI pointed at the v1 URL (a 2025 sample's form): it inserts /deployments/{model} into the chat and
embeddings routes, and the v1 API answers 404 (openai-python #2584)."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    base_url=f"{os.environ['AZURE_OPENAI_ENDPOINT'].rstrip('/')}/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="preview",
)
answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}])
print(answer.choices[0].message.content)
vectors = client.embeddings.create(model="text-embedding-3-small", input="Ping?")
print(len(vectors.data[0].embedding), "dimensions")
