"""AsyncAzureOpenAI renamed to AsyncOpenAI, the sync provider argument kept: TypeError when the client is built;
passing it as api_key alone would fail at the first request. The fix wraps it."""

import asyncio
import os

from openai import AsyncOpenAI


def token_provider() -> str:
    return os.environ["E2E_ENTRA_TOKEN"]


async def main() -> None:
    client = AsyncOpenAI(
        base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/",
        azure_ad_token_provider=token_provider,
    )
    answer = await client.chat.completions.create(
        model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}]
    )
    print(answer.choices[0].message.content)


if __name__ == "__main__":
    asyncio.run(main())
