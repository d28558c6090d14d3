/* tests/check_pyrandom.c: src/cli/pyrandom.c against values printed by CPython 3.11
 * (random.seed(44); getrandbits(32) x3; shuffle(range(20)); sample(['a','b','c'], 1) x8),
 * which is what lets `sea demos` choose the paper's demonstrations. */
#include "cli/pyrandom.h"
#include "testutil.h"

START_TEST(test_python_sequence)
{
    cli_pyrandom r;
    size_t x[20];
    static const size_t want[20] = {8, 14, 15, 10, 2, 12, 7, 9, 11, 1, 19, 0, 4, 18, 6, 5, 3, 17, 16, 13};
    static const char picks[] = "ccbbabbc";
    cli_pyrandom_seed(&r, 44);
    ck_assert_uint_eq(cli_pyrandom_u32(&r), 1754648232u);
    ck_assert_uint_eq(cli_pyrandom_u32(&r), 2233470993u);
    ck_assert_uint_eq(cli_pyrandom_u32(&r), 2327752056u);
    cli_pyrandom_seed(&r, 44);
    for (size_t i = 0; i < 20; i++) x[i] = i;
    cli_pyrandom_shuffle(&r, x, 20);
    for (size_t i = 0; i < 20; i++) ck_assert_uint_eq(x[i], want[i]);
    for (int i = 0; i < 8; i++) ck_assert_int_eq("abc"[cli_pyrandom_randbelow(&r, 3)], picks[i]);
    ck_assert_uint_eq(cli_pyrandom_getrandbits(&r, 32), 683107736u);
}
END_TEST

int main(void)
{
    Suite *s = suite_create("pyrandom");
    TCase *tc = tcase_create("pyrandom");
    tcase_add_test(tc, test_python_sequence);
    suite_add_tcase(s, tc);
    return run_suite(s);
}
