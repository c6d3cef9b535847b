"""A request on the v1 client that still passes api-version in extra_query: rejected (400)."""

import os

from openai import OpenAI

client = OpenAI(
    base_url=os.environ["AZURE_OPENAI_ENDPOINT"].rstrip("/") + "/openai/v1/",
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
)
answer = client.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "Ping?"}],
    extra_query={"api-version": os.environ["OPENAI_API_VERSION"]},
)
print(answer.choices[0].message.content)
