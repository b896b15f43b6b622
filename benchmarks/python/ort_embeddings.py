"""Reference figure for EmbeddingBenchmark: the same ONNX file and tokenizer.json run by ONNX Runtime (Python) and
Hugging Face tokenizers, the way a Python user would (batches of consecutive inputs padded to the longest, attention
mask, mean or CLS pooling, L2 normalisation). EmbeddingBenchmark starts it with --python; it can also run alone:

  python ort_embeddings.py --onnx M.onnx --tokenizer tokenizer.json --pooling mean|cls --queries queries.jsonl \
      [--threads 2] [--repeat 3] [--batch 1,32]
"""
import argparse
import json
import statistics
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--onnx", required=True)
    parser.add_argument("--tokenizer", required=True)
    parser.add_argument("--pooling", choices=["mean", "cls"], required=True)
    parser.add_argument("--queries", required=True)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--batch", default="1,32")
    parser.add_argument("--label", default="python onnxruntime")
    args = parser.parse_args()

    with open(args.queries, encoding="utf-8") as f:
        texts = [json.loads(line)["text"] for line in f if line.strip()]
    tokenizer = Tokenizer.from_file(args.tokenizer)
    tokenizer.no_truncation()
    tokenizer.no_padding()
    options = ort.SessionOptions()
    options.intra_op_num_threads = args.threads
    options.inter_op_num_threads = 1
    session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])
    inputs = {i.name for i in session.get_inputs()}

    def embed(batch):
        encodings = tokenizer.encode_batch(batch)
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(batch), length), dtype=np.int64)
        mask = np.zeros((len(batch), length), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        feed = {"input_ids": ids, "attention_mask": mask}
        if "token_type_ids" in inputs:
            feed["token_type_ids"] = np.zeros_like(ids)
        hidden = session.run(["last_hidden_state"], feed)[0]
        if args.pooling == "cls":
            vectors = hidden[:, 0]
        else:
            vectors = (hidden * mask[..., None]).sum(1) / mask.sum(1, keepdims=True)
        return vectors / np.linalg.norm(vectors, axis=1, keepdims=True), int(mask.sum())

    tokens = sum(embed(texts[i : i + 32])[1] for i in range(0, len(texts), 32))  # warm-up
    for size in [int(b) for b in args.batch.split(",")]:
        seconds = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            for i in range(0, len(texts), size):
                embed(texts[i : i + size])
            seconds.append(time.perf_counter() - start)
        median = statistics.median(seconds)
        print(f"{args.label:<26} batch {size:3d}: {len(texts) / median:7.1f} sentences/s  "
              f"{tokens / median:8.0f} tokens/s  ({median:.2f} s per pass)", flush=True)


if __name__ == "__main__":
    main()
