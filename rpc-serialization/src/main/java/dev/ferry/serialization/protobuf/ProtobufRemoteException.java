package dev.ferry.serialization.protobuf;

/**
 * An exception received in protobuf whose class cannot be recreated here (not allowed, not on
 * the class path, or without a usable constructor). It names the original class, keeps the
 * original message, stack trace and cause.
 */
public class ProtobufRemoteException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final String originalClassName;
    private final String originalMessage;

    /** An exception of class {@code originalClassName} with {@code originalMessage}. */
    public ProtobufRemoteException(String originalClassName, String originalMessage, Throwable cause) {
        super(originalClassName + (originalMessage == null || originalMessage.isEmpty() ? "" : ": " + originalMessage), cause);
        this.originalClassName = originalClassName;
        this.originalMessage = originalMessage;
    }

    /** The class name the sender gave. */
    public String originalClassName() {
        return originalClassName;
    }

    /** The sender's message ({@code ""} when it had none). */
    public String originalMessage() {
        return originalMessage;
    }
}
