// multitier-merge: a later change.
int main() { return 2; }
