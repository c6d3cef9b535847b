"""Async chat: two sequential requests through AsyncAzureOpenAI."""

import asyncio
import os

from openai import AsyncAzureOpenAI


async def main() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=os.getenv("AZURE_OPENAI_ENDPOINT"),
        api_key=os.getenv("AZURE_OPENAI_API_KEY"),
        api_version="2024-10-21",
    )
    history = [{"role": "user", "content": "Name a prime number."}]
    first = await client.chat.completions.create(model="gpt-4o-prod-01", messages=history)
    history.append({"role": "assistant", "content": first.choices[0].message.content})
    history.append({"role": "user", "content": "And another one?"})
    second = await client.chat.completions.create(model="gpt-4o-prod-01", messages=history, seed=7)
    print(first.choices[0].message.content)
    print(second.choices[0].message.content)
    await client.close()


asyncio.run(main())
