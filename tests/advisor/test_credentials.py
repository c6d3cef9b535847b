"""AOAI305 facts: which literals look like credentials, and how they are shown."""

from __future__ import annotations

import pytest

from codemod.advisor.credentials import looks_like_secret, mask_secrets, redact


@pytest.mark.parametrize(
    "literal",
    [
        "3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8",  # classic 32-hex Azure key
        "sk-proj-Zq7Xv3Lm9Np2Rt5Wy8Bc4Df6Gh1Jk0",
        "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJjb2duaXRpdmUifQ.Sg7h3Kd9Lq2Wm5Zx8Vb1Nc4",
        "9Fh2kLq8Zr3Tx6Wb1Nd4Pm7Vc0Gy5Js2Hq8Rk3Lt6Xw9Bz1Cf4Dn7Mp0Qs3Ug6Ye9Ai2Ej5Ho8Ku1Ow4Ir7Av0",
        "a8f9d0c7e6b5a4f3e2d1c0b9",  # lower case, but one long run: not a name
        "sk-abc123def456ghi789jkl012",
        "aZ3kR9pQ2mX7vB1nT5yWc8Ld",  # random base62: the case and the class switch every character or two
        "f3a9c2e1b7d4a8f6e2c9",  # 20 hex digits
    ],
)
def test_real_looking_credentials(literal: str) -> None:
    assert looks_like_secret(literal)


@pytest.mark.parametrize(
    "literal",
    [
        "",
        "abc",
        "<your-api-key>",
        "YOUR_API_KEY",
        "AZURE_OPENAI_API_KEY",
        "replace-with-your-key-0123456789",
        "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "https://res.openai.azure.com/",
        "not-a-real-key",
        "my api key 1234567890 here",
        "dummy-key-1234567890abcdef",
        "text-embedding-3-small",  # model and deployment names: shown in diffs as they are
        "gpt-4o-2024-08-06",
        "gpt-35-turbo-instruct-0914",
        "contoso-gpt4o-prod-eastus2",
        # names made of words, shown in diffs as they are (a masked one hides what a reviewer checks, and a diff
        # with a masked context line does not apply)
        "AOAI_GPT4o_DEPLOYMENT",
        "ContosoGpt4oProd2024",
        "AzureOpenAIGpt4Deployment1",
    ],
)
def test_placeholders_names_and_urls_are_not_credentials(literal: str) -> None:
    assert not looks_like_secret(literal)


def test_redact_keeps_only_a_known_prefix_and_the_last_four() -> None:
    key = "sk-proj-Zq7Xv3Lm9Np2Rt5Wy8Bc4Df6Gh1Jk0"
    assert redact(key) == "sk-proj-…1Jk0"
    assert redact("3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8") == "…e5a8"
    assert redact("short-secret-1") == "…"
    assert "3f9a2c7e1b5d4086" not in redact("3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8")


def test_mask_secrets_keeps_length_and_leaves_other_literals() -> None:
    line = 'c = AzureOpenAI(api_key="3f9a2c7e1b5d4086a9e2c4f7b1d3e5a8", azure_endpoint="https://r.openai.azure.com")'
    masked = mask_secrets(line)
    assert len(masked) == len(line)
    assert "3f9a2c7e1b5d4086" not in masked and '"' + "*" * 28 + 'e5a8"' in masked
    assert '"https://r.openai.azure.com"' in masked
    assert mask_secrets("x = 'short'\n") == "x = 'short'\n"
    diff = "-k = 'sk-proj-Zq7Xv3Lm9Np2Rt5Wy8Bc4Df6Gh1Jk0'\n+k = os.environ['AZURE_OPENAI_API_KEY']\n"
    assert "Zq7Xv3" not in mask_secrets(diff) and "AZURE_OPENAI_API_KEY" in mask_secrets(diff)
