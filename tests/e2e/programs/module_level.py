"""The module-level client configured for Azure, with the key set explicitly."""

import os

import openai

DEPLOYMENT = "gpt-4o-prod-01"

openai.api_type = "azure"
openai.azure_endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
openai.api_version = "2024-06-01"
openai.api_key = os.environ["AZURE_OPENAI_API_KEY"]

completion = openai.chat.completions.create(
    model=DEPLOYMENT,
    messages=[{"role": "user", "content": "Say something nice."}],
)
print(completion.choices[0].message.content)
