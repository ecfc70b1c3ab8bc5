package dev.ferry.examples.benchmark.dubbo;

import dev.ferry.api.spi.Exporter;
import dev.ferry.core.bootstrap.FerryBootstrap;
import dev.ferry.core.config.ReferenceConfig;
import dev.ferry.core.config.ServiceConfig;
import dev.ferry.examples.dubbo.DubboSide;
import dev.ferry.api.Endpoint;
import dev.ferry.protocol.dubbo.DubboProtocol;
import dev.ferry.protocol.dubbo.DubboProtocolConfig;

import java.time.Duration;

/** The two contenders, each set up as its users would: hessian2, one connection, 200 provider threads. */
enum Framework {

    DUBBO("Apache Dubbo 3.3.2") {
        @Override
        Provider startProvider() {
            DubboSide side = new DubboSide("benchmark-provider").serve(UserService.class, new UserServiceImpl()).start();
            return new Provider(side.port(), side);
        }

        @Override
        Consumer connect(String host, int port) {
            DubboSide side = new DubboSide("benchmark-consumer");
            var ref = side.reference(UserService.class, "dubbo://" + host + ":" + port
                    + "?serialization=hessian2&prefer.serialization=hessian2&connections=1");
            side.start();
            return new Consumer(ref.get(), side);
        }
    },

    FERRY("Ferry") {
        @Override
        Provider startProvider() {
            FerryBootstrap ferry = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolConfig.builder()
                    .host("127.0.0.1").advertisedHost(DubboSide.host()).port(0).build())).build();
            Exporter e = ferry.export(ServiceConfig.builder(UserService.class, (UserService) new UserServiceImpl())
                    .protocol(DubboProtocol.NAME).build()).get(0);
            return new Provider(e.endpoint().port(), ferry);
        }

        @Override
        Consumer connect(String host, int port) {
            FerryBootstrap ferry = FerryBootstrap.builder().protocol(new DubboProtocol(DubboProtocolConfig.builder()
                    .connections(1).build())).build();
            UserService service = ferry.refer(ReferenceConfig.builder(UserService.class)
                    .url(new Endpoint(DubboProtocol.NAME, host, port)).timeout(Duration.ofSeconds(5)).retries(0).build());
            return new Consumer(service, ferry);
        }
    };

    final String title;

    Framework(String title) {
        this.title = title;
    }

    abstract Provider startProvider();

    abstract Consumer connect(String host, int port);

    /** A running provider and what stops it. */
    record Provider(int port, AutoCloseable stop) {
    }

    /** A connected consumer and what closes it. */
    record Consumer(UserService service, AutoCloseable stop) {
    }
}
