// Smoke test of Basalt's bedrock-runtime with the unmodified AWS SDK for JavaScript v3, run by JavaScriptSdkIT.
// Reads the server and request from the environment, prints one JSON summary on stdout, exits non-zero on any
// unexpected error (the message goes to stderr):
//   BASALT_ENDPOINT, BASALT_ACCESS_KEY_ID, BASALT_SECRET_ACCESS_KEY, BASALT_MODEL_ID   (required)
//   BASALT_SYSTEM, BASALT_PROMPT, BASALT_MAX_TOKENS                                  (the conversation)
import {
  BedrockRuntimeClient,
  ConverseCommand,
  ConverseStreamCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-runtime";

function required(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`environment variable ${name} is required`);
  }
  return value;
}

const client = new BedrockRuntimeClient({
  endpoint: required("BASALT_ENDPOINT"),
  region: "us-east-1",
  credentials: {
    accessKeyId: required("BASALT_ACCESS_KEY_ID"),
    secretAccessKey: required("BASALT_SECRET_ACCESS_KEY"),
  },
  maxAttempts: 1, // the test wants the server's first answer, not a retried one
});

const request = {
  modelId: required("BASALT_MODEL_ID"),
  system: [{ text: process.env.BASALT_SYSTEM ?? "You tell stories." }],
  messages: [{ role: "user", content: [{ text: process.env.BASALT_PROMPT ?? "Once upon a time" }] }],
  inferenceConfig: { maxTokens: Number(process.env.BASALT_MAX_TOKENS ?? "16"), temperature: 0 },
};

/** ConverseStream: every event's type in arrival order, the concatenated text, the stop reason and usage. */
async function converseStream() {
  const response = await client.send(new ConverseStreamCommand(request));
  const summary = { events: [], text: "", stopReason: null, usage: null };
  for await (const event of response.stream) {
    const [type] = Object.keys(event).filter((key) => event[key] !== undefined);
    summary.events.push(type);
    if (event.contentBlockDelta) {
      summary.text += event.contentBlockDelta.delta.text;
    } else if (event.messageStop) {
      summary.stopReason = event.messageStop.stopReason;
    } else if (event.metadata) {
      summary.usage = event.metadata.usage;
    }
  }
  return summary;
}

async function converse() {
  const response = await client.send(new ConverseCommand(request));
  return {
    text: response.output.message.content.map((block) => block.text).join(""),
    stopReason: response.stopReason,
    usage: response.usage,
  };
}

/** A request the server must refuse (topP outside [0, 1]): the SDK must raise its own ValidationException. */
async function badRequest() {
  try {
    await client.send(new ConverseStreamCommand({ ...request, inferenceConfig: { topP: 2 } }));
  } catch (error) {
    return {
      name: error.name,
      isValidationException: error instanceof ValidationException,
      status: error.$metadata?.httpStatusCode ?? null,
      message: error.message,
    };
  }
  throw new Error("a ConverseStream request with topP 2 was accepted");
}

try {
  const summary = {
    stream: await converseStream(),
    converse: await converse(),
    badRequest: await badRequest(),
  };
  process.stdout.write(JSON.stringify(summary) + "\n");
} catch (error) {
  process.stderr.write(`smoke test failed: ${error.name}: ${error.message}\n${error.stack}\n`);
  process.exitCode = 1;
} finally {
  client.destroy();
}
