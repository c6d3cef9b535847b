"""A client built from base_url= with an azure_deployment: the SDK ignores the deployment there, so each request
goes to the deployment its own model= names."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    base_url=f"{os.environ['AZURE_OPENAI_ENDPOINT'].rstrip('/')}/openai",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment="gpt-4o-mini-eu",
)

answer = client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
vectors = client.embeddings.create(model="text-embedding-3-small", input="Hi")
print(answer.choices[0].message.content, len(vectors.data))
