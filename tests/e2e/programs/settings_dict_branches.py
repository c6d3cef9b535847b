"""Client arguments collected in a dict, the credential chosen in if/else branches (Azure's sample shape), and a
settings dict literal with the endpoint and the api-version: both clients move, their keys rewritten."""

import asyncio
import os

from openai import AsyncAzureOpenAI, AzureOpenAI


def fetch_entra_token() -> str:
    # Stand-in for get_bearer_token_provider(DefaultAzureCredential(), ".../.default").
    return os.environ["E2E_ENTRA_TOKEN"]


def make_client(use_key: bool) -> AzureOpenAI:
    client_args = {"max_retries": 0}
    if use_key:
        client_args["api_key"] = os.environ["AZURE_OPENAI_API_KEY"]
    else:
        client_args["azure_ad_token_provider"] = fetch_entra_token
    return AzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21", **client_args)


async def ask_async(question: str) -> str:
    kwargs = {}
    if os.environ.get("E2E_USE_KEY"):
        kwargs["api_key"] = os.environ["AZURE_OPENAI_API_KEY"]
    else:
        kwargs["azure_ad_token_provider"] = fetch_entra_token  # synchronous: adapted for AsyncOpenAI
    client = AsyncAzureOpenAI(azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"], api_version="2024-10-21", **kwargs)
    messages = [{"role": "user", "content": question}]
    reply = await client.chat.completions.create(model="gpt-4o-prod-01", messages=messages)
    return reply.choices[0].message.content


for use_key in (True, False):
    chat = make_client(use_key)
    reply = chat.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Hi"}])
    print(reply.choices[0].message.content)

print(asyncio.run(ask_async("And you?")))

settings = {
    "azure_endpoint": os.environ["AZURE_OPENAI_ENDPOINT"],
    "api_key": os.environ["AZURE_OPENAI_API_KEY"],
    "api_version": "2024-10-21",
}
embedder = AzureOpenAI(**settings)
vectors = embedder.embeddings.create(model="text-embedding-3-small", input=["settings"])
print("vector length:", len(vectors.data[0].embedding))
