"""api-version passed through default_query next to another query parameter that must survive."""

import os

from openai import AzureOpenAI

API_VERSION = "2024-10-21"

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version=API_VERSION,
    default_query={"api-version": API_VERSION, "x": "1"},
)

chat = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "One word, please."}],
)
vectors = client.embeddings.create(model="text-embedding-3-small", input="one word")
print(chat.choices[0].message.content, len(vectors.data))
