"""A synchronous token provider on an async client (AsyncAzureOpenAI accepts a plain def)."""

import asyncio
import os

from openai import AsyncAzureOpenAI


def token_provider() -> str:
    return os.environ["E2E_ENTRA_TOKEN"]


async def main() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        azure_ad_token_provider=token_provider,
        api_version="2024-10-21",
    )
    answer = await client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[{"role": "user", "content": "Ping?"}],
    )
    print(answer.choices[0].message.content)


if __name__ == "__main__":
    asyncio.run(main())
