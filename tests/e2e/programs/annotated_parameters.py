"""A factory builds the async client; helpers take it typed with the Azure class in several forms (a union
with OpenAI's own client, Optional, a string forward reference, an attribute annotated in __init__). The
annotations are narrowed where they are evaluated at run time, so every name must still resolve."""

import asyncio
import os
from typing import Optional, Union

from openai import AsyncAzureOpenAI, AsyncOpenAI


def make_client() -> AsyncAzureOpenAI:
    return AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
    )


async def ask(client: Union[AsyncOpenAI, AsyncAzureOpenAI], question: str) -> str:  # noqa: UP007 - the form under test
    reply = await client.chat.completions.create(
        model="gpt-4o-prod-01", messages=[{"role": "user", "content": question}]
    )
    return reply.choices[0].message.content or ""


async def embed(client: Optional[AsyncAzureOpenAI], text: str) -> int:  # noqa: UP045 - the form under test
    assert client is not None
    result = await client.embeddings.create(model="text-embedding-3-small", input=text)
    return len(result.data[0].embedding)


async def ask_quoted(client: "AsyncAzureOpenAI", question: str) -> str:
    reply = await client.chat.completions.create(
        model="gpt-4o-prod-01", messages=[{"role": "user", "content": question}]
    )
    return reply.choices[0].message.content or ""


class Assistant:
    def __init__(self, client) -> None:
        self.client: AsyncAzureOpenAI = client

    async def reply(self, text: str) -> str:
        answer = await self.client.chat.completions.create(
            model="gpt-4o-prod-01", messages=[{"role": "user", "content": text}]
        )
        return answer.choices[0].message.content or ""


async def main() -> None:
    client = make_client()
    print(await ask(client, "First?"))
    print(await embed(client, "vector"))
    print(await ask_quoted(client, "Second?"))
    print(await Assistant(client).reply("Third?"))


if __name__ == "__main__":
    asyncio.run(main())
