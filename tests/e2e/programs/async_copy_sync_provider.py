"""An async client's copy given a synchronous token provider (AsyncAzureOpenAI accepted it; AsyncOpenAI awaits
api_key(), so the migrated copy needs the adapter)."""

import asyncio
import os

from openai import AsyncAzureOpenAI


def token_provider() -> str:
    return os.environ["E2E_ENTRA_TOKEN"]


async def main() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
    )
    keyed = await client.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "1"}])
    entra = client.with_options(azure_ad_token_provider=token_provider, api_version="2025-03-01-preview")
    tokened = await entra.chat.completions.create(model="gpt-4o-prod-01", messages=[{"role": "user", "content": "2"}])
    print(keyed.choices[0].message.content, tokened.choices[0].message.content)
    await client.close()


asyncio.run(main())
