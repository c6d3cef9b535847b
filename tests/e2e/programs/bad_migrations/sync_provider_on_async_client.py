"""An agent's migration that kept the synchronous token provider on AsyncOpenAI: TypeError at the first request."""

import asyncio
import os

from openai import AsyncOpenAI


def token_provider() -> str:  # stands in for azure.identity.get_bearer_token_provider(...)
    return os.environ["E2E_ENTRA_TOKEN"]


async def main() -> None:
    client = AsyncOpenAI(
        base_url=f"{os.environ['AZURE_OPENAI_ENDPOINT'].rstrip('/')}/openai/v1/",
        api_key=token_provider,
    )
    answer = await client.chat.completions.create(
        model="gpt-4o-prod-01", messages=[{"role": "user", "content": "Ping?"}]
    )
    print(answer.choices[0].message.content)


if __name__ == "__main__":
    asyncio.run(main())
