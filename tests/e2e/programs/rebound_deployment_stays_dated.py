"""The deployment name is rebound after the client (a for loop, a reassignment): Azure kept sending to the
client's deployment. Moving the name into model= would follow the new values, so the tool leaves the client on the
dated API and reports it."""

import os

from openai import AzureOpenAI

deployment = "gpt-4o-prod-01"
client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    api_key=os.environ["AZURE_OPENAI_API_KEY"],
    api_version="2024-10-21",
    azure_deployment=deployment,
)

for deployment in ("gpt-4o-mini-eu", "gpt-4o-staging"):
    reply = client.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": deployment}])
    print(deployment, reply.choices[0].message.content)
