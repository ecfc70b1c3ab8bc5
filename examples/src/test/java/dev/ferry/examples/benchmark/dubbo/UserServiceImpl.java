package dev.ferry.examples.benchmark.dubbo;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;

/** Answers as dubbo-benchmark's server does: constant users, a 15-user page, no storage. */
public class UserServiceImpl implements UserService {

    static final int PAGE_SIZE = 15;
    private static final List<Integer> PERMISSIONS = List.of(1, 2, 3, 4, 5, 6, 7, 8, 19, 88, 86, 89, 90, 91, 92);

    @Override
    public boolean existUser(String email) {
        return email == null || email.isEmpty() || email.charAt(email.length() - 1) >= '5';
    }

    @Override
    public boolean createUser(User user) {
        return user != null;
    }

    @Override
    public User getUser(long id) {
        return user(id, "");
    }

    @Override
    public Page<User> listUser(int pageNo) {
        List<User> users = new ArrayList<>(PAGE_SIZE);
        for (int i = 0; i < PAGE_SIZE; i++) {
            users.add(user(i, String.valueOf(i)));
        }
        Page<User> page = new Page<>();
        page.setPageNo(pageNo);
        page.setTotal(1000);
        page.setResult(users);
        return page;
    }

    /** A user as the benchmark builds them; {@code suffix} varies the strings of a page. */
    static User user(long id, String suffix) {
        User u = new User();
        u.setId(id);
        u.setName("Doug Lea" + suffix);
        u.setSex(1);
        u.setBirthday(LocalDate.of(1968, 12, 8));
        u.setEmail("dong.lea@gmail.com" + suffix);
        u.setMobile("18612345678" + suffix);
        u.setAddress("北京市 中关村 中关村大街1号 鼎好大厦 1605" + suffix);
        u.setIcon("https://www.baidu.com/img/bd_logo1.png" + suffix);
        u.setStatus(1);
        u.setCreateTime(LocalDateTime.now());
        u.setUpdateTime(u.getCreateTime());
        u.setPermissions(new ArrayList<>(PERMISSIONS));
        return u;
    }
}
