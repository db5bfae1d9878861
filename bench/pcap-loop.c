/* pcap-loop FILE... -- the floor for reading captures: a plain libpcap
 * pcap_next_ex loop over every file that touches each packet's bytes and
 * nothing else. The benchmark reports pathtrace's time as a multiple of it.
 */
#include <config.h>

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	uint64_t packets = 0, bytes = 0, sum = 0;
	int status = 0;
	if (argc < 2 || argv[1][0] == '-') {
		bool help = argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0);
		fputs("usage: pcap-loop FILE...\nreads every packet of the files with libpcap, as fast as it can (the "
		      "benchmark's floor)\n",
		      help ? stdout : stderr);
		return help ? 0 : 2;
	}
	for (int i = 1; i < argc; i++) {
		char err[PCAP_ERRBUF_SIZE];
		pcap_t *pc = pcap_open_offline_with_tstamp_precision(argv[i], PCAP_TSTAMP_PRECISION_NANO, err);
		if (!pc) {
			fprintf(stderr, "pcap-loop: %s\n", err);
			status = 1;
			continue;
		}
		struct pcap_pkthdr *h;
		const u_char *data;
		while (pcap_next_ex(pc, &h, &data) == 1) {
			packets++;
			bytes += h->caplen;
			for (uint32_t k = 0; k < h->caplen; k += 64)
				sum += data[k];
		}
		pcap_close(pc);
	}
	printf("pcap-loop: %llu packets, %llu bytes (checksum %llu)\n", (unsigned long long)packets,
	       (unsigned long long)bytes, (unsigned long long)sum);
	return status;
}
