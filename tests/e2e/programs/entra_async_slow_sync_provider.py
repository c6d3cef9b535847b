"""A synchronous token provider that takes a while (a credential fetching a token over the network) on an
async client, while another task must keep running. AsyncAzureOpenAI called the provider on the event loop,
which stood still meanwhile; after the migration the provider runs in a worker thread. Standard error says
how often the other task ran while a token was being fetched."""

import asyncio
import os
import sys
import time

from openai import AsyncAzureOpenAI

FETCH_SECONDS = 0.6
fetches: list[tuple[float, float]] = []


def token_provider() -> str:
    started = time.monotonic()
    time.sleep(FETCH_SECONDS)  # a blocking network round trip, as azure.identity's credentials make
    fetches.append((started, time.monotonic()))
    return os.environ["E2E_ENTRA_TOKEN"]


async def heartbeat(beats: list[float], stop: asyncio.Event) -> None:
    while not stop.is_set():
        beats.append(time.monotonic())
        await asyncio.sleep(0.01)


async def main() -> None:
    client = AsyncAzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        azure_ad_token_provider=token_provider,
        api_version="2024-10-21",
    )
    beats: list[float] = []
    stop = asyncio.Event()
    task = asyncio.create_task(heartbeat(beats, stop))
    await asyncio.sleep(0)
    answer = await client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[{"role": "user", "content": "Are you there?"}],
    )
    stop.set()
    await task
    print(answer.choices[0].message.content)
    during = sum(1 for beat in beats for start, end in fetches if start < beat < end)
    print(f"token fetches: {len(fetches)}; heartbeats during them: {during}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
