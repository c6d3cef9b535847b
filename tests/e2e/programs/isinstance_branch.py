"""Code that tells Azure clients apart with isinstance, as libraries do to pick deployment names. The check is
left as it is (reported), and the client it tests stays on the dated API, so both still answer as before; a
client of another service keeps failing the check; the client no check sees moves to v1."""

import os

from openai import AzureOpenAI, OpenAI


def model_for(client: object) -> str:
    """Azure serves deployments by the names given in the portal; other services take model names."""
    if isinstance(client, AzureOpenAI):
        return "gpt-4o-prod-01"
    return "gpt-4o-mini"


tested = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
elsewhere = OpenAI(base_url="http://127.0.0.1:9/v1", api_key="not-used")  # another service, never called here
print(model_for(tested), model_for(elsewhere))

chat = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
)
answer = chat.chat.completions.create(
    model="gpt-4o-prod-01",
    messages=[{"role": "user", "content": "Which deployment answers?"}],
)
print(answer.choices[0].message.content)
