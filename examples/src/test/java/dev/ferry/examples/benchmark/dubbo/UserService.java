package dev.ferry.examples.benchmark.dubbo;

/** The four calls of apache/dubbo-benchmark. */
public interface UserService {

    boolean existUser(String email);

    boolean createUser(User user);

    User getUser(long id);

    Page<User> listUser(int pageNo);
}
