"""LangChain on the dated API with an Entra ID token provider and an explicit endpoint: chat with a base model
name beside the deployment, and embeddings that count tokens (the default), which send token ids."""

import os

from langchain_openai import AzureChatOpenAI, AzureOpenAIEmbeddings
from pydantic import BaseModel


def token_provider() -> str:
    return os.environ["E2E_ENTRA_TOKEN"]  # stands in for azure.identity's get_bearer_token_provider(...)


class Reply(BaseModel):
    answer: str


endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
llm = AzureChatOpenAI(
    azure_endpoint=endpoint,
    deployment_name=os.environ["CHAT_DEPLOYMENT"],
    model="gpt-4o-mini",
    openai_api_version=os.environ["OPENAI_API_VERSION"],
    azure_ad_token_provider=token_provider,
)
print(llm.invoke("Hi").content)
print(llm.with_structured_output(Reply, method="function_calling").invoke("Answer me") is None)
for chunk in llm.stream("Stream"):
    print(repr(chunk.content), chunk.usage_metadata is not None)

embeddings = AzureOpenAIEmbeddings(
    azure_endpoint=endpoint, azure_deployment=os.environ["EMBEDDING_DEPLOYMENT"], azure_ad_token_provider=token_provider
)
print(len(embeddings.embed_query("hello world")))
print(len(embeddings.embed_documents(["one\ntwo", "three"])))
