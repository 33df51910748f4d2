/**
 * The records of a completed batch's output dataset: one per input line, in a shuffled order
 * (Cohere's outputs are not in input order), each `{ custom_id, body }` with the response as
 * JSON text, or `{ custom_id, error }` for the records the life cycle counted as failed.
 *
 * Deterministic: the same input gives the same vectors, messages and order.
 *
 * @packageDocumentation
 */

/**
 * The Avro schema the fake writes output parts with: `custom_id`, and a JSON `body` or an
 * `error`.
 *
 * @example
 * ```ts
 * const reply = { finish_reason: "COMPLETE", message: { role: "assistant", content: [{ type: "text", text: "Hi" }] } };
 * const file = await writeAvroContainer(OUTPUT_SCHEMA, [{ custom_id: "r1", body: JSON.stringify(reply), error: null }]);
 * ```
 * @public
 */
export const OUTPUT_SCHEMA = {
  type: "record",
  name: "BatchOutput",
  fields: [
    { name: "custom_id", type: "string" },
    { name: "body", type: ["null", "string"], default: null },
    { name: "error", type: ["null", "string"], default: null },
  ],
} as const;

/** One output record as written. */
export interface OutputRecord {
  custom_id: string;
  body: string | null;
  error: string | null;
}

/** One input line, as uploaded (or made up for a seeded batch that had no upload). */
export interface InputLine {
  readonly custom_id?: unknown;
  readonly body?: { texts?: unknown; messages?: unknown } | undefined;
}

/**
 * Dimensions of the fake's embeddings.
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * for await (const result of client.batches.results(batchId))
 *   expect((result.body as { embeddings: { float: number[][] } }).embeddings.float[0]).toHaveLength(EMBEDDING_DIMENSIONS);
 * ```
 * @public
 */
export const EMBEDDING_DIMENSIONS = 8;

/** What to write: the input lines, whether the batch embeds, and which records fail. */
export interface OutputPlan {
  readonly lines: readonly InputLine[];
  readonly embed: boolean;
  /** Every n-th record (1-based) fails; 0: none. Matches the life cycle's `num_failed_records`. */
  readonly failEveryNth: number;
}

/** The output records of `plan`, in output order. */
export function outputRecords(plan: OutputPlan): OutputRecord[] {
  const records = plan.lines.map((line, i): OutputRecord => {
    const customId = typeof line.custom_id === "string" ? line.custom_id : String(i + 1);
    if (plan.failEveryNth > 0 && (i + 1) % plan.failEveryNth === 0) {
      const error = { status_code: 400, message: `request ${customId} was refused by the model` };
      return { custom_id: customId, body: null, error: JSON.stringify(error) };
    }
    const body = plan.embed ? embedBody(customId, line) : chatBody(customId, line);
    return { custom_id: customId, body: JSON.stringify(body), error: null };
  });
  // Out of input order, as Cohere's are: callers must match on custom_id.
  return records
    .map((record, i) => ({ record, key: hash(`${record.custom_id}#${i}`) }))
    .sort((a, b) => a.key - b.key)
    .map(({ record }) => record);
}

function embedBody(customId: string, line: InputLine): object {
  const texts = Array.isArray(line.body?.texts) ? line.body.texts.map(String) : [customId];
  return {
    id: `embed-${hash(customId).toString(16)}`,
    embeddings: { float: texts.map(embeddingOf) },
    texts,
    meta: { api_version: { version: "2" }, billed_units: { input_tokens: texts.join(" ").split(/\s+/).length } },
  };
}

function chatBody(customId: string, line: InputLine): object {
  const messages = Array.isArray(line.body?.messages) ? line.body.messages : [];
  const last = messages[messages.length - 1] as { content?: unknown } | undefined;
  const said = typeof last?.content === "string" ? last.content : "";
  return {
    id: `chat-${hash(customId).toString(16)}`,
    finish_reason: "COMPLETE",
    message: { role: "assistant", content: [{ type: "text", text: `Reply to ${customId}: ${said.slice(0, 60)}` }] },
    usage: { billed_units: { input_tokens: said.length, output_tokens: 12 } },
  };
}

/**
 * The fake's embedding of `text`: a unit-free vector of small numbers, the same for the same text.
 *
 * @example
 * ```ts
 * import { expect } from "vitest";
 * // What an embed batch's output says for its one input text, "hello":
 * for await (const result of client.batches.results(batchId))
 *   expect(result.body).toMatchObject({ embeddings: { float: [embeddingOf("hello")] } });
 * ```
 * @throws Never: a pure function of the text.
 * @public
 */
export function embeddingOf(text: string): number[] {
  let state = hash(text);
  return Array.from({ length: EMBEDDING_DIMENSIONS }, () => {
    state = (Math.imul(state ^ (state >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0;
    return Math.round(((state / 2 ** 32) * 2 - 1) * 10_000) / 10_000;
  });
}

/** FNV-1a, 32 bits. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
