package dev.ferry.examples.quickstart;

import dev.ferry.api.RpcReference;

/** A consumer with one reference per transport; the bootstrap fills the fields. */
public final class GreeterClient {

    @RpcReference(protocol = "rocketmq", timeout = 5000)
    Greeter overRocketMq;

    @RpcReference(protocol = "dubbo", timeout = 3000)
    Greeter overDubbo;
}
