"""A hard-coded deployment name in model= (AOAI201 turns it into an environment variable)."""

import os

from openai import AzureOpenAI

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)

for topic in ("tea", "coffee"):
    completion = client.chat.completions.create(
        model="gpt-4o-prod-01",
        messages=[{"role": "user", "content": f"One sentence about {topic}."}],
    )
    print(completion.choices[0].message.content)
