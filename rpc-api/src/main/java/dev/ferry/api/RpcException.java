package dev.ferry.api;

/**
 * A failure of the call itself rather than of the service: no provider, a timeout, a frame
 * that does not decode, a refused serialization. Its {@link Code} uses the status values of
 * the Dubbo wire protocol, so a code received on the wire maps to the same constant.
 */
public class RpcException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** Why a call failed; {@link #status()} is the Dubbo response status byte. */
    public enum Code {
        /** The caller gave up waiting for the reply. */
        CLIENT_TIMEOUT(30),
        /** The provider gave up: the request's deadline passed before it ran. */
        SERVER_TIMEOUT(31),
        /** The connection or route to the provider is gone. */
        CHANNEL_INACTIVE(35),
        /** The request could not be decoded, or was refused (serialization, class, size). */
        BAD_REQUEST(40),
        /** The reply could not be decoded, or was refused. */
        BAD_RESPONSE(50),
        /** No provider of the service, or the provider has no such service or method. */
        SERVICE_NOT_FOUND(60),
        /** The provider failed while running the service, outside the method's own code. */
        SERVICE_ERROR(70),
        /** The provider failed for another reason. */
        SERVER_ERROR(80),
        /** The consumer failed before or while sending. */
        CLIENT_ERROR(90),
        /** The provider's business pool is full. */
        THREADPOOL_EXHAUSTED(100);

        private final byte status;

        Code(int status) {
            this.status = (byte) status;
        }

        /** The status byte on the Dubbo wire. */
        public byte status() {
            return status;
        }

        /** The code for a wire status byte, or {@link #SERVER_ERROR} for an unknown one. */
        public static Code ofStatus(byte status) {
            for (Code c : values()) {
                if (c.status == status) {
                    return c;
                }
            }
            return SERVER_ERROR;
        }
    }

    private final Code code;

    public RpcException(Code code, String message) {
        super(message);
        this.code = code;
    }

    public RpcException(Code code, String message, Throwable cause) {
        super(message, cause);
        this.code = code;
    }

    public Code code() {
        return code;
    }

    /** True for failures where the request may never have reached a provider. */
    public boolean isTimeout() {
        return code == Code.CLIENT_TIMEOUT || code == Code.SERVER_TIMEOUT;
    }
}
