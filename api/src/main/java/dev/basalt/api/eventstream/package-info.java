/**
 * The AWS event-stream binary framing ({@code application/vnd.amazon.eventstream}) that Bedrock runtime uses for
 * ConverseStream and InvokeModelWithResponseStream responses: {@link dev.basalt.api.eventstream.EventStreamMessage}
 * (typed headers and a payload), {@link dev.basalt.api.eventstream.EventStreamEncoder} (message to frame) and the
 * incremental {@link dev.basalt.api.eventstream.EventStreamDecoder} (byte chunks to messages). Each frame is a
 * 12-byte prelude (total length, headers length, CRC32 of those 8 bytes), the headers, the payload and a CRC32 of
 * everything before it, all big-endian. Malformed input fails with
 * {@link dev.basalt.api.eventstream.EventStreamException}.
 */
package dev.basalt.api.eventstream;
