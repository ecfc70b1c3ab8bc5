package dev.ferry.protocol.dubbo.interop;

import org.apache.dubbo.rpc.RpcContext;

/** The Apache Dubbo provider's implementation: attachments through Dubbo's RpcContext. */
public class DubboSideImpl extends InteropServiceImpl {

    @Override
    public String attachment(String key) {
        String value = RpcContext.getServerAttachment().getAttachment(key);
        if (value != null) {
            RpcContext.getServerResponseContext().setAttachment("echo-" + key, value);
        }
        return value;
    }
}
