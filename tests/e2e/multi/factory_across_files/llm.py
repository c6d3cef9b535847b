"""A factory: every caller gets a client whose requests go to the deployment it names, whatever model= says."""

import os

from openai import AzureOpenAI


def get_client():
    return AzureOpenAI(
        azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
        api_key=os.environ["AZURE_OPENAI_API_KEY"],
        api_version="2024-10-21",
        azure_deployment="gpt-4o-prod-01",
    )
