/* First touch of fresh anonymous memory (benchmarks/results/2026-12-04-gc-conserve.md): gcc -O2 first-touch.c -o t && ./t MiB HUGE
   touches MiB of a fresh mapping one byte per 4 KiB page (HUGE=1: after madvise(MADV_HUGEPAGE)), then memsets it; twice. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
static double now(){struct timespec t;clock_gettime(CLOCK_MONOTONIC,&t);return t.tv_sec+t.tv_nsec*1e-9;}
int main(int argc,char**argv){
  size_t n=(size_t)atol(argv[1])<<20; int huge=atoi(argv[2]);
  for(int rep=0;rep<2;rep++){
  char*p=mmap(0,n+(2<<20),PROT_READ|PROT_WRITE,MAP_PRIVATE|MAP_ANONYMOUS,-1,0);
  char*a=(char*)(((size_t)p+(2<<20)-1)&~((size_t)(2<<20)-1));
  if(huge) madvise(a,n,MADV_HUGEPAGE);
  double t=now(); for(size_t i=0;i<n;i+=4096) a[i]=1; double t1=now();
  memset(a,2,n); double t2=now();
  printf("huge=%d rep %d first touch %.3f s (%.2f GB/s), second pass memset %.3f s\n",huge,rep,t1-t,n/1e9/(t1-t),t2-t1);
  munmap(p,n+(2<<20));}
}
