// Smoke test of Basalt's OpenAI-compatible API with the unmodified npm `openai` package, run by OpenAiNodeIT.
// Reads the server and request from the environment, prints one JSON summary on stdout, exits non-zero on any
// unexpected error (the message goes to stderr):
//   BASALT_ENDPOINT, BASALT_API_KEY, BASALT_MODEL_ID   (required)
//   BASALT_SYSTEM, BASALT_PROMPT, BASALT_MAX_TOKENS   (the conversation)
import OpenAI from "openai";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const client = new OpenAI({
  baseURL: `${required("BASALT_ENDPOINT")}/v1`,
  apiKey: required("BASALT_API_KEY"),
  maxRetries: 0, // the test wants the server's first answer, not a retried one
});

const request = {
  model: required("BASALT_MODEL_ID"),
  messages: [
    { role: "system", content: process.env.BASALT_SYSTEM ?? "You tell stories." },
    { role: "user", content: process.env.BASALT_PROMPT ?? "Once upon a time" },
  ],
  max_tokens: Number(process.env.BASALT_MAX_TOKENS ?? "16"),
  temperature: 0,
};

async function chat() {
  const completion = await client.chat.completions.create(request);
  const [choice] = completion.choices;
  return { id: completion.id, text: choice.message.content, finishReason: choice.finish_reason, usage: completion.usage };
}

/** A streamed completion: the concatenated deltas, the finish reason, and the usage of the last chunk. */
async function stream() {
  const chunks = await client.chat.completions.create({
    ...request,
    stream: true,
    stream_options: { include_usage: true },
  });
  const summary = { chunks: 0, text: "", finishReason: null, usage: null };
  for await (const chunk of chunks) {
    summary.chunks++;
    for (const choice of chunk.choices) {
      summary.text += choice.delta?.content ?? "";
      summary.finishReason = choice.finish_reason ?? summary.finishReason;
    }
    if (chunk.usage) {
      summary.usage = chunk.usage;
    }
  }
  return summary;
}

/** tool_choice "required": the reply must call the tool, with arguments that parse as JSON. */
async function toolCall() {
  const completion = await client.chat.completions.create({
    ...request,
    max_tokens: 200,
    messages: [{ role: "user", content: "What is the weather in Paris?" }],
    tools: [{
      type: "function",
      function: {
        name: "get_weather",
        description: "Weather for a city",
        parameters: {
          type: "object",
          properties: { city: { type: "string" }, days: { type: "integer" } },
          required: ["city", "days"],
        },
      },
    }],
    tool_choice: "required",
  });
  const [choice] = completion.choices;
  const [call] = choice.message.tool_calls ?? [];
  return {
    finishReason: choice.finish_reason,
    calls: choice.message.tool_calls?.length ?? 0,
    id: call?.id ?? null,
    name: call?.function.name ?? null,
    arguments: call ? JSON.parse(call.function.arguments) : null,
  };
}

/** A request the server must refuse (temperature 3): the package must raise its BadRequestError. */
async function badRequest() {
  try {
    await client.chat.completions.create({ ...request, temperature: 3 });
  } catch (error) {
    return {
      name: error.constructor.name,
      isBadRequest: error instanceof OpenAI.BadRequestError,
      status: error.status ?? null,
      param: error.param ?? null,
      type: error.type ?? null,
      message: error.message,
    };
  }
  throw new Error("a chat completion with temperature 3 was accepted");
}

try {
  const summary = {
    chat: await chat(),
    stream: await stream(),
    toolCall: await toolCall(),
    badRequest: await badRequest(),
  };
  process.stdout.write(JSON.stringify(summary) + "\n");
} catch (error) {
  process.stderr.write(`openai smoke test failed: ${error.name}: ${error.message}\n${error.stack}\n`);
  process.exitCode = 1;
}
