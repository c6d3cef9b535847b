"""LangChain on the dated API with an endpoint and a key read from variables that are not set here: the Azure
classes passed None on to the openai package's Azure client, which read AZURE_OPENAI_ENDPOINT and
AZURE_OPENAI_API_KEY then."""

import os

from langchain_openai import AzureChatOpenAI, AzureOpenAIEmbeddings

JUDGE_ENDPOINT = os.getenv("JUDGE_OPENAI_ENDPOINT")
JUDGE_KEY = os.environ.get("JUDGE_OPENAI_KEY")

judge = AzureChatOpenAI(
    azure_endpoint=JUDGE_ENDPOINT,
    api_key=JUDGE_KEY,
    azure_deployment="gpt-4o-prod-01",
    api_version="2024-10-21",
    temperature=0,
    max_tokens=20,
)
print(judge.invoke("Judge this").content)

embeddings = AzureOpenAIEmbeddings(
    azure_endpoint=os.getenv("EMBEDDINGS_ENDPOINT"),
    openai_api_key=os.getenv("EMBEDDINGS_KEY"),
    azure_deployment="text-embedding-3-small",
    openai_api_version="2024-10-21",
    check_embedding_ctx_length=False,
)
print(len(embeddings.embed_query("hello")))
