// SPDX-License-Identifier: GPL-2.0
/* mntns_id: print the 64-bit mount namespace id of a process, for run-tests.sh. */

#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <linux/types.h>
#include <linux/nsfs.h>

#ifndef NS_GET_MNTNS_ID
#define NS_GET_MNTNS_ID		_IOR(0xb7, 0x5, __u64)
#endif

int main(int argc, char **argv)
{
	char path[64];
	__u64 id;
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: mntns_id PID\n");
		return 2;
	}
	snprintf(path, sizeof(path), "/proc/%.20s/ns/mnt", argv[1]);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || ioctl(fd, NS_GET_MNTNS_ID, &id)) {
		perror(path);
		return 1;
	}
	close(fd);
	printf("%llu\n", (unsigned long long)id);
	return 0;
}
