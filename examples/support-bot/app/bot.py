"""Acme support bot: answers a customer question with gpt-4o and the help-center articles."""

from openai import OpenAI

client = OpenAI()


def answer(question: str, articles: list[str]) -> str:
    context = "\n\n".join(articles)
    response = client.chat.completions.create(
        model="gpt-4o",
        messages=[
            {"role": "system", "content": "Answer using only these help-center articles:\n" + context},
            {"role": "user", "content": question},
        ],
    )
    return response.choices[0].message.content or ""
