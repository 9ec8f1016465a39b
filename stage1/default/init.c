/* placeholder: the default stage1 lands with the pods issue */
int main(void) { return 0; }
