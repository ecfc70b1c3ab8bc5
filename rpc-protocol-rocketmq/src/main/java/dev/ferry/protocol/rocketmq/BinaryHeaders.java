package dev.ferry.protocol.rocketmq;

import org.apache.rocketmq.remoting.RPCHook;
import org.apache.rocketmq.remoting.protocol.RemotingCommand;
import org.apache.rocketmq.remoting.protocol.SerializeType;

/**
 * Sends a client's remoting commands with RocketMQ's binary header encoding (serialize type
 * {@code ROCKETMQ}) instead of the client's default, JSON. A message's properties travel in
 * its send header as one string whose separators ({@code \u0001}, {@code \u0002}) JSON must
 * escape character by character; in the binary encoding they are plain bytes. Every broker
 * reads both encodings (the type is in each command's length prefix) and answers in its own.
 */
final class BinaryHeaders implements RPCHook {

    @Override
    public void doBeforeRequest(String remoteAddr, RemotingCommand request) {
        request.setSerializeTypeCurrentRPC(SerializeType.ROCKETMQ);
    }

    @Override
    public void doAfterResponse(String remoteAddr, RemotingCommand request, RemotingCommand response) {
        // Nothing to do: responses are decoded in whatever encoding they come.
    }
}
