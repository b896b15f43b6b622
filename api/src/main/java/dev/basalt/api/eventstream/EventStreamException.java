package dev.basalt.api.eventstream;

/** A frame that is not valid AWS event-stream, or a message too large to be framed; the message names the problem. */
public final class EventStreamException extends IllegalArgumentException {
    public EventStreamException(String message) {
        super(message);
    }
}
