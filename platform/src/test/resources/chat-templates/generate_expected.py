#!/usr/bin/env python3
"""Regenerates expected/*.txt: what Python Jinja2 renders for each template and conversation.

The environment mirrors transformers' apply_chat_template (src/transformers/utils/chat_template_utils.py):
ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, loopcontrols), tojson = json.dumps with
ensure_ascii=False, raise_exception and strftime_now globals. The conversations below are the maps
ChatTemplate builds from ChatMessage records (see ChatTemplateGoldenTest); keep the two in step.
Run from this folder: python3 generate_expected.py
"""
import json
from datetime import datetime

import jinja2.ext
from jinja2.sandbox import ImmutableSandboxedEnvironment

FIXED_NOW = datetime(2024, 9, 3, 12, 0, 0)  # the clock ChatTemplateGoldenTest injects


def tojson(x, ensure_ascii=False, indent=None, separators=None, sort_keys=False):
    return json.dumps(x, ensure_ascii=ensure_ascii, indent=indent, separators=separators, sort_keys=sort_keys)


def raise_exception(message):
    raise jinja2.exceptions.TemplateError(message)


env = ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True, extensions=[jinja2.ext.loopcontrols])
env.filters["tojson"] = tojson
env.globals["raise_exception"] = raise_exception
env.globals["strftime_now"] = lambda fmt: FIXED_NOW.strftime(fmt)

SYSTEM = {"role": "system", "content": "You are a helpful assistant."}
CHAT = [
    SYSTEM,
    {"role": "user", "content": "Hello!"},
    {"role": "assistant", "content": "Hi! How can I help you today?"},
    {"role": "user", "content": "What is the capital of France?"},
]
WEATHER_TOOL = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Get the current weather in a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string", "description": "City name"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city"],
        },
    },
}
TOOL_CHAT = [
    SYSTEM,
    {"role": "user", "content": "What is the weather in Paris?"},
    {"role": "assistant", "content": "", "tool_calls": [
        {"id": "call12345", "type": "function",
         "function": {"name": "get_weather", "arguments": {"city": "Paris", "unit": "celsius"}}}]},
    {"role": "tool", "content": "{\"temperature\": 22, \"sky\": \"sunny\"}", "tool_call_id": "call12345",
     "name": "get_weather"},
]
THINKING_CHAT = [
    {"role": "user", "content": "What is 2+2?"},
    {"role": "assistant", "content": "<think>\nAdding two and two.\n</think>\n\nIt is 4."},
    {"role": "user", "content": "And 3+3?"},
]

# What PromptAdapter makes of TOOL_CHAT for a template without tool support (Llama 2, the ChatML fallback):
# tools described in the system prompt, the call as JSON text, the result as a user message.
TOOLS_INSTRUCTION = ("You can call the following tools. To call a tool, reply with a JSON object {\"name\": <tool name>, "
                     "\"arguments\": <arguments object>} and nothing else, one object per line for several calls.\n\nTools:")
ADAPTED_SYSTEM = {"role": "system", "content": SYSTEM["content"] + "\n\n" + TOOLS_INSTRUCTION + "\n" + json.dumps(
    {"name": "get_weather", "description": WEATHER_TOOL["function"]["description"],
     "parameters": WEATHER_TOOL["function"]["parameters"]}, ensure_ascii=False)}
ADAPTED_CALL = {"role": "assistant", "content": json.dumps({"name": "get_weather",
                                                            "arguments": {"city": "Paris", "unit": "celsius"}})}
ADAPTED_RESULT = {"role": "user", "content": json.dumps({"tool_response": {
    "tool_call_id": "call12345", "name": "get_weather", "content": TOOL_CHAT[3]["content"]}}, ensure_ascii=False)}
LLAMA2_ADAPTED = [ADAPTED_SYSTEM, TOOL_CHAT[1], ADAPTED_CALL, ADAPTED_RESULT]
CHATML_ADAPTED = [ADAPTED_SYSTEM, TOOL_CHAT[1], ADAPTED_CALL, TOOL_CHAT[3]]

SPECIAL = {
    "llama-3.1-8b-instruct.jinja": ("<|begin_of_text|>", "<|eot_id|>"),
    "llama-3.2-1b-instruct.jinja": ("<|begin_of_text|>", "<|eot_id|>"),
    "qwen2.5-instruct.jinja": ("", "<|im_end|>"),
    "qwen3-0.6b.jinja": ("", "<|im_end|>"),
    "smollm2-instruct.jinja": ("<|im_start|>", "<|im_end|>"),
    "mistral-7b-instruct-v0.3.jinja": ("<s>", "</s>"),
    "tinyllama-1.1b-chat-v1.0.jinja": ("<s>", "</s>"),
    "llama-2-7b-chat.jinja": ("<s>", "</s>"),
    "jinja-features.jinja": ("<s>", "</s>"),
    "chatml-fallback.jinja": ("", ""),
}
CASES = [
    # (template, case name, messages, tools, extra variables)
    *[(t, "chat", CHAT, None, {}) for t in SPECIAL],
    *[(t, "tools", TOOL_CHAT, [WEATHER_TOOL], {}) for t in
      ["llama-3.1-8b-instruct.jinja", "llama-3.2-1b-instruct.jinja", "qwen2.5-instruct.jinja", "qwen3-0.6b.jinja",
       "mistral-7b-instruct-v0.3.jinja"]],
    ("qwen3-0.6b.jinja", "thinking", THINKING_CHAT, None, {}),
    ("qwen3-0.6b.jinja", "thinking-last-turn", THINKING_CHAT + [
        {"role": "assistant", "content": "<think>\nThree and three.\n</think>\n\nIt is 6."}], None, {}),
    ("smollm2-instruct.jinja", "no-system", CHAT[1:], None, {}),
    ("llama-2-7b-chat.jinja", "adapted-tools", LLAMA2_ADAPTED, None, {}),
    ("chatml-fallback.jinja", "adapted-tools", CHATML_ADAPTED, None, {}),
    ("qwen3-0.6b.jinja", "no-thinking", THINKING_CHAT, None, {"enable_thinking": False}),
]

for template_name, case, messages, tools, extra in CASES:
    bos, eos = SPECIAL[template_name]
    with open(template_name, encoding="utf-8") as f:
        template = env.from_string(f.read())
    out = template.render(messages=messages, tools=tools, add_generation_prompt=True, bos_token=bos, eos_token=eos,
                          **extra)
    with open(f"expected/{template_name[:-len('.jinja')]}--{case}.txt", "w", encoding="utf-8") as f:
        f.write(out)
    print(template_name, case, len(out))

# python-float-repr.txt: Python's repr of random doubles (by bit pattern), the oracle for PythonJson.floatRepr.
import math
import random
import struct

random.seed(7)
specials = [0.1, 1.0, 2.5, 1e-5, 1e-4, 0.0001234, 1e16, 1.5e16, 1e15, 123456789012345678.0, -3e-7, 1e22, 5e-324,
            1.7976931348623157e308, -0.0, 0.3, 2 / 3]
values = (specials + [random.uniform(-1e3, 1e3) for _ in range(60)]
          + [struct.unpack('<d', struct.pack('<Q', random.getrandbits(63)))[0] for _ in range(100)]
          + [random.random() * 10 ** random.randint(-30, 30) for _ in range(60)])
with open("python-float-repr.txt", "w") as f:
    for v in values:
        if not (math.isnan(v) or math.isinf(v)):
            f.write(f"{struct.unpack('<Q', struct.pack('<d', v))[0]:016x} {v!r}\n")
