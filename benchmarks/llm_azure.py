"""The Azure OpenAI modules of the generated LLM-application corpus (benchmarks/llm_corpus.py): under 2% of its
files, in the forms real code uses (a client in a service class, an async client with a token provider, the
module client's settings, a module-level client other modules import)."""

from __future__ import annotations

# kind -> (imports, block, whether aoai-migrate --check reports the file as one it would change)
AZURE_KINDS: dict[str, tuple[str, str, bool]] = {
    "azure_client": (
        "from openai import AzureOpenAI",
        '''

class ${Noun}AzureService$i:
    """Chat and embeddings through the company's Azure OpenAI resource."""

    def __init__(self) -> None:
        self.client = AzureOpenAI(
            azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
            api_key=os.environ["AZURE_OPENAI_API_KEY"],
            api_version="$version",
        )

    def answer(self, question: str) -> str:
        reply = self.client.chat.completions.create(
            model="gpt-4o-prod-$i", messages=[{"role": "user", "content": question}], temperature=0
        )
        return reply.choices[0].message.content or ""

    def embed(self, texts: List[str]) -> List[List[float]]:
        result = self.client.embeddings.create(model="embeddings-large-$i", input=texts)
        return [item.embedding for item in result.data]
''',
        True,
    ),
    "azure_async": (
        "from azure.identity.aio import DefaultAzureCredential, get_bearer_token_provider\n"
        "from openai import AsyncAzureOpenAI",
        '''

token_provider_$i = get_bearer_token_provider(
    DefaultAzureCredential(), "https://cognitiveservices.azure.com/.default"
)
client_$i = AsyncAzureOpenAI(
    azure_endpoint="https://contoso-$i.openai.azure.com",
    azure_ad_token_provider=token_provider_$i,
    api_version="$version",
)


async def summarise_${noun}_$i(text: str) -> str:
    reply = await client_$i.chat.completions.create(
        model="gpt-4o-mini-eu", messages=[{"role": "user", "content": "Summarise: " + text}]
    )
    return reply.choices[0].message.content or ""
''',
        True,
    ),
    "azure_module_settings": (
        "import openai",
        '''

openai.api_type = "azure"
openai.azure_endpoint = os.environ["AZURE_OPENAI_ENDPOINT"]
openai.api_version = "$version"


def complete_${noun}_$i(prompt: str) -> str:
    reply = openai.chat.completions.create(model="gpt-35-turbo", messages=[{"role": "user", "content": prompt}])
    return reply.choices[0].message.content or ""
''',
        True,
    ),
    "azure_shared_client": (  # a module-level client other modules import: reported, left alone
        "from openai import AzureOpenAI",
        '''

client = AzureOpenAI(
    azure_endpoint=os.environ["AZURE_OPENAI_ENDPOINT"],
    azure_deployment="gpt-4o-shared",
    api_version="$version",
)
''',
        False,
    ),
}
AZURE_WEIGHTS = {"azure_client": 5, "azure_async": 3, "azure_module_settings": 2, "azure_shared_client": 2}
# The module that imports the shared client (it mentions openai only in a comment).
SHARED_CLIENT_USER = '''

# Requests go through the shared Azure OpenAI client.
from .llm_client import client


def rank_${noun}s_$i(candidates: List[str]) -> str:
    reply = client.chat.completions.create(
        model="gpt-4o-shared", messages=[{"role": "user", "content": "Pick the best: " + "; ".join(candidates)}]
    )
    return reply.choices[0].message.content or ""
'''
AZURE_VERSIONS = ["2024-02-01", "2024-06-01", "2024-10-21", "2025-01-01-preview", "2024-08-01-preview"]
